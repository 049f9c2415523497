/* fuzz_common.h -- shared by the libFuzzer targets of tests/fuzz/: the
 * loaders take paths, so each input is written to one memfd per process and
 * the loader opens it as /proc/self/fd/N (a fresh file description each time,
 * so every open reads from offset 0). */
#ifndef CONVLAB_FUZZ_COMMON_H
#define CONVLAB_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes data to the process's memfd; returns its path ("/proc/self/fd/N"). */
static const char *fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("convlab-fuzz", 0);
        if (fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0) {
        perror("ftruncate");
        abort();
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0) {
            perror("pwrite");
            abort();
        }
        done += (size_t)n;
    }
    return path;
}

#endif
