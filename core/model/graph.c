/*
 * graph.c -- the dependency graph of a model's formulas: which items each
 * item's cells depend on, the order to evaluate them in, and the cycles
 * that are refused.
 *
 * Items are grouped into strongly connected groups (Tarjan, iterative).
 * A group of several items is allowed only when every reference inside it
 * is to an earlier period (offsets <= 0 and no @PERIOD), and the same-period
 * references inside it have no cycle: then evaluating the group period by
 * period, items in same-period dependency order, is sound (cash_begin =
 * cash_end[-1] with cash_end = cash_begin + change).  Anything else would
 * make a cell depend on itself and is refused with the cycle's path.
 */
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "model/model_internal.h"

typedef struct graph_work {
    const ks_allocator *alloc;
    const ks_book *book;
    int count;
    /* Tarjan */
    int *index, *low, *stack, *on_stack, *call_node, *call_edge;
    int stack_size, next_index;
    /* result */
    int *order, *group_of, *group_start, *rank;
    int order_size, group_count;
    int focus; /* the item being defined, or -1 */
    /* per-group scratch */
    int *indegree, *queue;
} graph_work;

static int ref_count(const ks_book *book, int item)
{
    const ks_formula *formula = book->items[item].formula;
    return formula ? ks_formula_ref_count(formula) : 0;
}

static const ks_formula_ref *ref_at(const ks_book *book, int item, int i)
{
    return ks_formula_ref_at(book->items[item].formula, i);
}

static void work_free(graph_work *work)
{
    const ks_allocator *alloc = work->alloc;
    ks_mem_free(alloc, work->index);
    ks_mem_free(alloc, work->low);
    ks_mem_free(alloc, work->stack);
    ks_mem_free(alloc, work->on_stack);
    ks_mem_free(alloc, work->call_node);
    ks_mem_free(alloc, work->call_edge);
    ks_mem_free(alloc, work->order);
    ks_mem_free(alloc, work->group_of);
    ks_mem_free(alloc, work->group_start);
    ks_mem_free(alloc, work->rank);
    ks_mem_free(alloc, work->indegree);
    ks_mem_free(alloc, work->queue);
}

static int work_alloc(graph_work *work)
{
    size_t n = (size_t)work->count + 1;
    const ks_allocator *alloc = work->alloc;
    work->index = ks_mem_alloc(alloc, n * sizeof(int));
    work->low = ks_mem_alloc(alloc, n * sizeof(int));
    work->stack = ks_mem_alloc(alloc, n * sizeof(int));
    work->on_stack = ks_mem_calloc(alloc, n, sizeof(int));
    work->call_node = ks_mem_alloc(alloc, n * sizeof(int));
    work->call_edge = ks_mem_alloc(alloc, n * sizeof(int));
    work->order = ks_mem_alloc(alloc, n * sizeof(int));
    work->group_of = ks_mem_alloc(alloc, n * sizeof(int));
    work->group_start = ks_mem_alloc(alloc, (n + 1) * sizeof(int));
    work->rank = ks_mem_alloc(alloc, n * sizeof(int));
    work->indegree = ks_mem_calloc(alloc, n, sizeof(int));
    work->queue = ks_mem_alloc(alloc, n * sizeof(int));
    if (!work->index || !work->low || !work->stack || !work->on_stack ||
        !work->call_node || !work->call_edge || !work->order ||
        !work->group_of || !work->group_start || !work->rank ||
        !work->indegree || !work->queue)
        return -1;
    for (int i = 0; i < work->count; i++)
        work->index[i] = -1;
    return 0;
}

/* Append the group whose root is `root` (popped from the Tarjan stack). */
static void emit_group(graph_work *work, int root)
{
    int group = work->group_count++;
    work->group_start[group] = work->order_size;
    int member;
    do {
        member = work->stack[--work->stack_size];
        work->on_stack[member] = 0;
        work->group_of[member] = group;
        work->order[work->order_size++] = member;
    } while (member != root);
}

static void tarjan(graph_work *work, int start)
{
    const ks_book *book = work->book;
    int depth = 0;
    work->call_node[0] = start;
    work->call_edge[0] = 0;
    work->index[start] = work->low[start] = work->next_index++;
    work->stack[work->stack_size++] = start;
    work->on_stack[start] = 1;
    while (depth >= 0) {
        int node = work->call_node[depth];
        int edge = work->call_edge[depth];
        if (edge < ref_count(book, node)) {
            work->call_edge[depth]++;
            int next = ref_at(book, node, edge)->item;
            if (work->index[next] < 0) {
                work->index[next] = work->low[next] = work->next_index++;
                work->stack[work->stack_size++] = next;
                work->on_stack[next] = 1;
                depth++;
                work->call_node[depth] = next;
                work->call_edge[depth] = 0;
            } else if (work->on_stack[next] &&
                       work->index[next] < work->low[node]) {
                work->low[node] = work->index[next];
            }
            continue;
        }
        if (work->low[node] == work->index[node])
            emit_group(work, node);
        depth--;
        if (depth >= 0) {
            int parent = work->call_node[depth];
            if (work->low[node] < work->low[parent])
                work->low[parent] = work->low[node];
        }
    }
}

/* Write the path from `from` to `to` inside a group (same-group edges,
 * breadth first), as "a -> b -> c", into buf. */
static void group_path(graph_work *work, int from, int to, int same_period_only,
                       char *buf, size_t size)
{
    const ks_book *book = work->book;
    int group = work->group_of[from];
    int *previous = work->indegree; /* reuse scratch: -2 unseen */
    int *queue = work->queue;
    int head = 0, tail = 0;
    for (int i = work->group_start[group]; i < work->group_start[group + 1];
         i++)
        previous[work->order[i]] = -2;
    previous[from] = -1;
    queue[tail++] = from;
    while (head < tail && previous[to] == -2) {
        int node = queue[head++];
        for (int e = 0; e < ref_count(book, node); e++) {
            const ks_formula_ref *ref = ref_at(book, node, e);
            int next = ref->item;
            if (work->group_of[next] != group || previous[next] != -2)
                continue;
            if (same_period_only &&
                (ref->kind != KS_REF_RELATIVE || ref->offset != 0))
                continue;
            previous[next] = node;
            queue[tail++] = next;
        }
    }
    /* walk back from `to` */
    int path[64];
    int length = 0;
    for (int node = to; node >= 0 && length < 64; node = previous[node])
        path[length++] = node;
    size_t used = 0;
    buf[0] = '\0';
    for (int i = length - 1; i >= 0 && used < size; i--)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 book->items[path[i]].id, i ? " -> " : "");
}

/* Refuse the edge from -> to of a group; when the item being defined is in
 * the group, the path is told from it. */
static ks_status refuse(graph_work *work, int from, int to,
                        int same_period_only, const char *why, ks_error *err)
{
    const ks_book *book = work->book;
    int focus = work->focus;
    if (focus >= 0 && work->group_of[focus] == work->group_of[from]) {
        for (int e = 0; e < ref_count(book, focus); e++) {
            int next = ref_at(book, focus, e)->item;
            if (work->group_of[next] != work->group_of[focus])
                continue;
            from = focus;
            to = next;
            same_period_only = 0;
            break;
        }
    }
    char path[512];
    group_path(work, to, from, same_period_only, path, sizeof path);
    if (focus >= 0)
        return ks_error_set(err, KS_ECYCLE,
                            "formula of '%s' would make a cycle: %s -> %s%s",
                            book->items[focus].id, book->items[from].id, path,
                            why);
    return ks_error_set(err, KS_ECYCLE, "formula would make a cycle: %s -> %s%s",
                        book->items[from].id, path, why);
}

/* Check a group and put its members in same-period dependency order. */
static ks_status order_group(graph_work *work, int group, ks_error *err)
{
    const ks_book *book = work->book;
    int first = work->group_start[group], last = work->group_start[group + 1];
    int single = last - first == 1;
    for (int i = first; i < last; i++) {
        int node = work->order[i];
        for (int e = 0; e < ref_count(book, node); e++) {
            const ks_formula_ref *ref = ref_at(book, node, e);
            if (work->group_of[ref->item] != group)
                continue;
            if (ref->kind == KS_REF_ABSOLUTE)
                return refuse(work, node, ref->item, 0,
                              " (a reference with @PERIOD inside a cycle)",
                              err);
            if (ref->offset > 0)
                return refuse(work, node, ref->item, 0,
                              " (a later period inside a cycle)", err);
            if (ref->offset == 0 && (single || ref->item == node))
                return refuse(work, node, ref->item, 1, "", err);
        }
    }
    if (single)
        return KS_OK;
    /* Kahn on the same-period edges: a node waits for what it refers to */
    int *indegree = work->indegree, *queue = work->queue;
    for (int i = first; i < last; i++)
        indegree[work->order[i]] = 0;
    for (int i = first; i < last; i++) {
        int node = work->order[i];
        for (int e = 0; e < ref_count(book, node); e++) {
            const ks_formula_ref *ref = ref_at(book, node, e);
            if (work->group_of[ref->item] == group &&
                ref->kind == KS_REF_RELATIVE && ref->offset == 0)
                indegree[node]++;
        }
    }
    int head = 0, tail = 0;
    for (int i = first; i < last; i++)
        if (indegree[work->order[i]] == 0)
            queue[tail++] = work->order[i];
    while (head < tail) {
        int node = queue[head++];
        /* members that refer to `node` in the same period lose a wait */
        for (int i = first; i < last; i++) {
            int other = work->order[i];
            for (int e = 0; e < ref_count(book, other); e++) {
                const ks_formula_ref *ref = ref_at(book, other, e);
                if (ref->item == node && ref->kind == KS_REF_RELATIVE &&
                    ref->offset == 0 && --indegree[other] == 0)
                    queue[tail++] = other;
            }
        }
    }
    if (tail < last - first) {
        /* a same-period cycle remains: find one member still waiting */
        for (int i = first; i < last; i++) {
            int node = work->order[i];
            if (indegree[node] <= 0)
                continue;
            for (int e = 0; e < ref_count(book, node); e++) {
                const ks_formula_ref *ref = ref_at(book, node, e);
                if (work->group_of[ref->item] == group &&
                    ref->kind == KS_REF_RELATIVE && ref->offset == 0 &&
                    indegree[ref->item] > 0)
                    return refuse(work, node, ref->item, 1, "", err);
            }
        }
        return ks_error_set(err, KS_ECYCLE, "formula would make a cycle");
    }
    memcpy(&work->order[first], queue, (size_t)(last - first) * sizeof(int));
    return KS_OK;
}

static ks_status build_edges(const ks_allocator *alloc, const ks_book *book,
                             int **edge_start_out, ks_edge **edges_out,
                             size_t *edge_count_out)
{
    int count = (int)book->item_count;
    int *edge_start = ks_mem_calloc(alloc, (size_t)count + 1, sizeof(int));
    size_t total = 0;
    for (int item = 0; item < count; item++)
        total += (size_t)ref_count(book, item);
    ks_edge *edges = ks_mem_alloc(alloc, (total ? total : 1) * sizeof *edges);
    if (!edge_start || !edges) {
        ks_mem_free(alloc, edge_start);
        ks_mem_free(alloc, edges);
        return KS_ENOMEM;
    }
    for (int item = 0; item < count; item++)
        for (int e = 0; e < ref_count(book, item); e++)
            edge_start[ref_at(book, item, e)->item + 1]++;
    for (int item = 0; item < count; item++)
        edge_start[item + 1] += edge_start[item];
    /* fill, using a moving cursor per item kept in a second pass */
    for (int item = 0; item < count; item++) {
        for (int e = 0; e < ref_count(book, item); e++) {
            const ks_formula_ref *ref = ref_at(book, item, e);
            int target = ref->item;
            /* find the next free slot of target: edge_start[target] counts up
             * while filling; restored below */
            edges[edge_start[target]].item = item;
            edges[edge_start[target]].ref = ref;
            edge_start[target]++;
        }
    }
    for (int item = count; item > 0; item--)
        edge_start[item] = edge_start[item - 1];
    edge_start[0] = 0;
    *edge_start_out = edge_start;
    *edges_out = edges;
    *edge_count_out = total;
    return KS_OK;
}

void ks_graph_free(const ks_allocator *alloc, ks_book *book)
{
    ks_mem_free(alloc, book->order);
    ks_mem_free(alloc, book->rank);
    ks_mem_free(alloc, book->group_of);
    ks_mem_free(alloc, book->group_start);
    ks_mem_free(alloc, book->edge_start);
    ks_mem_free(alloc, book->edges);
    book->order = book->rank = book->group_of = book->group_start = NULL;
    book->edge_start = NULL;
    book->edges = NULL;
    book->edge_count = 0;
    book->group_count = 0;
}

ks_status ks_graph_build(ks_model *model, int focus, ks_error *err)
{
    ks_book *book = model->book;
    graph_work work;
    memset(&work, 0, sizeof work);
    work.alloc = &model->alloc;
    work.book = book;
    work.count = (int)book->item_count;
    work.focus = focus;
    if (work_alloc(&work) != 0) {
        work_free(&work);
        return ks_error_set(err, KS_ENOMEM, "out of memory ordering formulas");
    }
    for (int item = 0; item < work.count; item++)
        if (work.index[item] < 0)
            tarjan(&work, item);
    work.group_start[work.group_count] = work.order_size;
    for (int group = 0; group < work.group_count; group++) {
        ks_status status = order_group(&work, group, err);
        if (status != KS_OK) {
            work_free(&work);
            return status;
        }
    }
    for (int i = 0; i < work.order_size; i++)
        work.rank[work.order[i]] = i;
    int *edge_start = NULL;
    ks_edge *edges = NULL;
    size_t edge_count = 0;
    if (build_edges(work.alloc, book, &edge_start, &edges, &edge_count) !=
        KS_OK) {
        work_free(&work);
        return ks_error_set(err, KS_ENOMEM, "out of memory ordering formulas");
    }
    ks_graph_free(work.alloc, book);
    book->order = work.order;
    book->rank = work.rank;
    book->group_of = work.group_of;
    book->group_start = work.group_start;
    book->group_count = work.group_count;
    book->edge_start = edge_start;
    book->edges = edges;
    book->edge_count = edge_count;
    work.order = work.rank = work.group_of = work.group_start = NULL;
    work_free(&work);
    book->structure_dirty = 0;
    book->values_dirty = 1;
    return KS_OK;
}
