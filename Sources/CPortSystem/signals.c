// Signal handlers that only store flags (and, on SIGHUP/SIGTERM, dup2 /dev/null onto fd 0):
// both are async-signal-safe, which Swift code in a handler cannot promise to be.
#include "CPortSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupt_flag = 0;
static volatile sig_atomic_t termination_signal = 0;
static volatile sig_atomic_t resize_flag = 0;
// /dev/null, opened in advance: on SIGHUP/SIGTERM it is put on fd 0 so that a read
// blocked in libedit ends instead of waiting for a key that will never come.
static volatile sig_atomic_t null_input = -1;

static void on_interrupt(int signo) {
    (void)signo;
    interrupt_flag = 1;
}

static void on_resize(int signo) {
    (void)signo;
    resize_flag = 1;
}

static void on_termination(int signo) {
    int saved = errno;
    termination_signal = signo;
    if (null_input >= 0) dup2(null_input, 0);
    errno = saved;
}

static int set_handler(int signo, void (*handler)(int), int restart) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = restart ? SA_RESTART : 0;
    return sigaction(signo, &action, NULL);
}

int cps_signals_install(int interrupt_restarts) {
    if (null_input < 0) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) null_input = fd;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGWINCH);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_UNBLOCK, &set, NULL) != 0) return -1;
    if (set_handler(SIGINT, on_interrupt, interrupt_restarts) != 0) return -1;
    if (set_handler(SIGWINCH, on_resize, 1) != 0) return -1;
    if (set_handler(SIGHUP, on_termination, 0) != 0) return -1;
    if (set_handler(SIGTERM, on_termination, 0) != 0) return -1;
    return 0;
}

int cps_signals_interrupted(void) { return interrupt_flag != 0 || termination_signal != 0; }

void cps_signals_clear_interrupt(void) { interrupt_flag = 0; }

int cps_signals_terminating_signal(void) { return termination_signal; }

int cps_signals_take_resize(void) {
    int seen = resize_flag != 0;
    resize_flag = 0;
    return seen;
}

void cps_signals_hold_terminations(cps_saved_mask *saved) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, &saved->mask);
}

void cps_signals_restore(const cps_saved_mask *saved) { pthread_sigmask(SIG_SETMASK, &saved->mask, NULL); }
