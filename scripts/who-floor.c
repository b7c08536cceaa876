/*
 * who-floor: the kernel work `porthole who` cannot avoid on Linux, and nothing else, so
 * scripts/bench can show how close porthole comes to it.
 *
 *   cc -O2 -pthread -o who-floor scripts/who-floor.c && ./who-floor
 *
 * It does what porthole's scan does, the same way: four netlink sock_diag dumps (TCP LISTEN
 * and unconnected UDP, IPv4 and IPv6) into a hash set of inodes; /proc listed once; per pid,
 * /proc/PID opened as a directory, its fd directory listed and every entry readlinkat'ed,
 * socket inodes looked up in the set; for owning pids only, stat (name, start time), status
 * (uid) and cmdline read through the pid's directory fd. The walk is split over the same
 * number of threads as porthole's (one per core, at most two). No names, no registry, no
 * sorting, no output but one line of counts:
 *
 *   SOCKETS OWNED OWNING_PIDS
 *
 * where OWNED is the number of sockets at least one visible process holds. It only reads.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Open-addressing set of socket inodes; `owned` marks the ones a process was found for. */
static uint32_t *slots;
static unsigned char *owned;
static size_t mask, sockets;

static size_t slot_of(uint32_t inode) {
    size_t i = (inode * 2654435761u) & mask;
    while (slots[i] != 0 && slots[i] != inode) i = (i + 1) & mask;
    return i;
}

static void add(uint32_t inode) {
    if (inode == 0) return;
    if ((sockets + 1) * 2 > mask + 1) {
        uint32_t *old = slots;
        size_t n = mask + 1;
        mask = n * 2 - 1;
        slots = calloc(mask + 1, sizeof *slots);
        for (size_t i = 0; i < n; i++)
            if (old[i]) slots[slot_of(old[i])] = old[i];
        free(old);
    }
    size_t i = slot_of(inode);
    if (slots[i] == 0) {
        slots[i] = inode;
        sockets++;
    }
}

static int dump(int fd, uint8_t family, uint8_t protocol, uint32_t states, unsigned seq) {
    struct {
        struct nlmsghdr h;
        struct inet_diag_req_v2 r;
    } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = seq;
    req.r.sdiag_family = family;
    req.r.sdiag_protocol = protocol;
    req.r.idiag_states = states;
    req.r.id.idiag_cookie[0] = req.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel) != sizeof req) return -1;
    static char buf[64 * 1024] __attribute__((aligned(8)));
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != seq) continue;
            if (h->nlmsg_type == NLMSG_DONE) return 0;
            if (h->nlmsg_type == NLMSG_ERROR) return -1;
            if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) add(((struct inet_diag_msg *)NLMSG_DATA(h))->idiag_inode);
        }
    }
}

static int proc_fd;
static int *pids;
static size_t npids;

struct share {
    pthread_t thread;
    size_t first, stride;
    size_t owning_pids;
};

/* Reads a small file through the pid's directory fd; -1 when the process is gone. */
static ssize_t read_at(int dir, const char *name, char *buf, size_t size) {
    int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t total = 0, n;
    while ((n = read(fd, buf + total, size - total)) > 0) {
        total += n;
        if ((size_t)total == size) total = 0; /* keep reading to the end, like a full read */
    }
    close(fd);
    return n < 0 ? -1 : total;
}

static void *walk(void *arg) {
    struct share *s = arg;
    char link[64], name[16], file[4096];
    char dents[32 * 1024] __attribute__((aligned(8)));
    for (size_t k = s->first; k < npids; k += s->stride) {
        snprintf(name, sizeof name, "%d", pids[k]);
        int dir = openat(proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0) continue;
        int fds = openat(dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fds < 0) {
            close(dir);
            continue;
        }
        int matched = 0;
        long n;
        while ((n = syscall(SYS_getdents64, fds, dents, sizeof dents)) > 0) {
            for (long off = 0; off < n;) {
                struct dirent64 *d = (struct dirent64 *)(dents + off);
                off += d->d_reclen;
                if (d->d_name[0] == '.') continue;
                ssize_t len = readlinkat(fds, d->d_name, link, sizeof link - 1);
                if (len <= 9 || memcmp(link, "socket:[", 8) != 0) continue;
                uint32_t inode = 0;
                for (ssize_t i = 8; i < len && link[i] != ']'; i++) inode = inode * 10 + (uint32_t)(link[i] - '0');
                size_t i = slot_of(inode);
                if (slots[i] == inode && inode != 0) {
                    __atomic_store_n(&owned[i], 1, __ATOMIC_RELAXED);
                    matched = 1;
                }
            }
        }
        close(fds);
        if (matched && read_at(dir, "stat", file, sizeof file) > 0 && read_at(dir, "status", file, sizeof file) > 0 &&
            read_at(dir, "cmdline", file, sizeof file) >= 0)
            s->owning_pids++;
        close(dir);
    }
    return NULL;
}

int main(void) {
    mask = 1023;
    slots = calloc(mask + 1, sizeof *slots);
    int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (nl < 0) return perror("netlink"), 1;
    if (dump(nl, AF_INET, IPPROTO_TCP, 1u << 10, 1) || dump(nl, AF_INET6, IPPROTO_TCP, 1u << 10, 2) ||
        dump(nl, AF_INET, IPPROTO_UDP, 1u << 7, 3) || dump(nl, AF_INET6, IPPROTO_UDP, 1u << 7, 4))
        return perror("sock_diag"), 1;
    close(nl);
    owned = calloc(mask + 1, 1);

    proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *proc = fdopendir(dup(proc_fd));
    size_t cap = 1024;
    pids = malloc(cap * sizeof *pids);
    for (struct dirent *d; (d = readdir(proc));) {
        char *end;
        long pid = strtol(d->d_name, &end, 10);
        if (*end || pid <= 0) continue;
        if (npids == cap) pids = realloc(pids, (cap *= 2) * sizeof *pids);
        pids[npids++] = (int)pid;
    }
    closedir(proc);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = npids < 64 ? 1 : (cores >= 2 ? 2 : 1);
    struct share shares[2] = {{.first = 0, .stride = threads}, {.first = 1, .stride = threads}};
    if (threads == 2 && pthread_create(&shares[1].thread, NULL, walk, &shares[1]) != 0) threads = 1, shares[0].stride = 1;
    walk(&shares[0]);
    if (threads == 2) pthread_join(shares[1].thread, NULL);

    size_t with_owner = 0;
    for (size_t i = 0; i <= mask; i++) with_owner += owned[i];
    printf("%zu %zu %zu\n", sockets, with_owner, shares[0].owning_pids + shares[1].owning_pids);
    return 0;
}
