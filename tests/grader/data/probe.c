/* probe.c -- what code inside the grader's sandbox can see and do; prints
 * key=value lines for tests/grader/test_sandbox.py. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

static long lim(int r)
{
    struct rlimit l;
    if (getrlimit(r, &l) != 0) return -2;
    return l.rlim_cur == RLIM_INFINITY ? -1 : (long)l.rlim_cur;
}

int main(int argc, char **argv)
{
    printf("uid=%d\n", (int)getuid());
    printf("pid=%d\n", (int)getpid());
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        printf("read:%s=%s\n", argv[i], fd >= 0 ? "yes" : "no");
        if (fd >= 0) close(fd);
    }
    int fd = open("/usr/convlab-probe", O_WRONLY | O_CREAT, 0600);
    printf("write_usr=%s\n", fd >= 0 ? "yes" : "no");
    char tmp[] = "/tmp/convlab-probe-XXXXXX";
    fd = mkstemp(tmp);
    printf("write_tmp=%s\n", fd >= 0 ? "yes" : "no");
    if (fd >= 0) unlink(tmp);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53)};
    inet_pton(AF_INET, "1.1.1.1", &a.sin_addr);
    int c = s >= 0 ? connect(s, (struct sockaddr *)&a, sizeof a) : -1;
    printf("connect=%s\n", c == 0 ? "yes" : "no");
    printf("cpu=%ld\nas=%ld\nnproc=%ld\nfsize=%ld\nnofile=%ld\ncore=%ld\n", lim(RLIMIT_CPU),
           lim(RLIMIT_AS), lim(RLIMIT_NPROC), lim(RLIMIT_FSIZE), lim(RLIMIT_NOFILE),
           lim(RLIMIT_CORE));
    int n = 0;
    for (char **e = environ; *e; e++) n++;
    printf("env=%d\n", n);
    char host[256] = "";
    gethostname(host, sizeof host);
    printf("hostname=%s\n", host);
    return 0;
}
