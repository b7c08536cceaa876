#ifndef CPORTSYSTEM_H
#define CPORTSYSTEM_H

// The few operating-system calls that Swift cannot make portably or safely by itself:
// signal handlers (which must only touch sig_atomic_t flags), close-on-exec pipes and
// temporary files (pipe2 and mkostemp are not everywhere), the terminal's size (a variadic
// ioctl), and Darwin's environment pointer. Wrapped for Swift by the PortSystem module.

#include <signal.h>
#include <stddef.h>

#ifdef __APPLE__
// Darwin has no `environ` symbol for shared libraries and executables to link against;
// this is the documented way to reach the process's environment (crt_externs.h).
extern char ***_NSGetEnviron(void);
#endif

// MARK: Signals

/// Installs porthole's handlers for SIGINT, SIGWINCH, SIGHUP and SIGTERM, and unblocks
/// them (a parent may have started us with them blocked; the mask survives exec).
/// SIGINT restarts interrupted system calls when `interrupt_restarts` is nonzero (the
/// interactive prompt polls the flag); without restart a blocked read returns EINTR (a
/// script run). SIGWINCH restarts; SIGHUP and SIGTERM never do, so a blocked read wakes.
/// Returns 0, or -1 with errno set.
int cps_signals_install(int interrupt_restarts);

/// Nonzero when SIGINT arrived since the last clear, or a terminating signal arrived.
int cps_signals_interrupted(void);

/// Forgets a SIGINT (a terminating signal is never forgotten).
void cps_signals_clear_interrupt(void);

/// SIGHUP or SIGTERM when one arrived, else 0.
int cps_signals_terminating_signal(void);

/// Nonzero once per SIGWINCH burst: reading it clears it.
int cps_signals_take_resize(void);

/// A signal mask saved by `cps_signals_hold_terminations`.
typedef struct { sigset_t mask; } cps_saved_mask;

/// Blocks SIGHUP, SIGTERM and SIGINT on the calling thread, saving the previous mask.
void cps_signals_hold_terminations(cps_saved_mask *saved);

/// Restores a mask saved by `cps_signals_hold_terminations`; held signals are delivered.
void cps_signals_restore(const cps_saved_mask *saved);

// MARK: Descriptors

/// pipe(2) with both ends close-on-exec (pipe2 on Linux, pipe + FD_CLOEXEC elsewhere).
int cps_pipe_cloexec(int fds[2]);

/// mkostemp(template, O_CLOEXEC): a new 0600 file, close-on-exec. -1 with errno on failure.
int cps_make_temporary(char *path_template);

/// The terminal's size through TIOCGWINSZ; 0 on success, -1 with errno otherwise.
int cps_terminal_size(int fd, unsigned short *columns, unsigned short *rows);

#endif
