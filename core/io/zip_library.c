/*
 * zip_library.c -- libzip opened with dlopen and its functions looked up
 * by name (zip_library.h).  Function pointers come out of dlsym as data
 * pointers; POSIX guarantees the conversion, and memcpy makes it without
 * a cast ISO C does not define.
 */
#include <dlfcn.h>
#include <string.h>

#include "base/error.h"
#include "io/zip_library.h"

#ifndef KS_LIBZIP_SONAME
#error "KS_LIBZIP_SONAME: the build defines libzip's soname (CMakeLists.txt)"
#endif

static int look_up(void *handle, const char *symbol, void *field,
                   size_t size)
{
    void *address = dlsym(handle, symbol);
    if (!address)
        return -1;
    memcpy(field, &address, size);
    return 0;
}

ks_status ks_zip_library_open_from(ks_zip_library *library,
                                   const char *soname, ks_error *err)
{
    memset(library, 0, sizeof *library);
    void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *reason = dlerror();
        return ks_error_set(err, KS_EIO, "workbooks need libzip, which did "
                            "not load (%s; Debian's libzip4 provides it)",
                            reason ? reason : soname);
    }
    const char *missing = NULL;
#define KS_ZIP_LOOK_UP(type, name, parameters)                               \
    if (!missing && look_up(handle, "zip_" #name, &library->name,            \
                            sizeof library->name) != 0)                      \
        missing = "zip_" #name;
    KS_ZIP_FUNCTIONS(KS_ZIP_LOOK_UP)
#undef KS_ZIP_LOOK_UP
    if (missing) {
        dlclose(handle);
        memset(library, 0, sizeof *library);
        return ks_error_set(err, KS_EIO, "workbooks need libzip 1.7 or "
                            "later: %s has no %s", soname, missing);
    }
    library->handle = handle;
    return KS_OK;
}

ks_status ks_zip_library_open(ks_zip_library *library, ks_error *err)
{
    return ks_zip_library_open_from(library, KS_LIBZIP_SONAME, err);
}

void ks_zip_library_close(ks_zip_library *library)
{
    if (library->handle)
        dlclose(library->handle);
    memset(library, 0, sizeof *library);
}
