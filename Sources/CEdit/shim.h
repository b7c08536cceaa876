#ifndef PORTHOLE_CEDIT_SHIM_H
#define PORTHOLE_CEDIT_SHIM_H
/*
 * Non-variadic wrappers over libedit: Swift cannot call el_set, el_get or history(),
 * and Swift 6 rejects C's stdin/stdout/stderr globals, so everything that needs them
 * happens here. No state lives in this header: every function is static inline and
 * works only on what it is given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <histedit.h>

typedef unsigned char (*cedit_command_fn)(EditLine *, int);
typedef char *(*cedit_prompt_fn)(EditLine *);

/* Editor */

static inline EditLine *cedit_init(const char *program) {
    return el_init(program, stdin, stdout, stderr);
}

static inline void cedit_flush_stdout(void) { (void)fflush(stdout); }

static inline int cedit_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

static inline void *cedit_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

static inline int cedit_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

static inline int cedit_set_prompt_esc(EditLine *el, cedit_prompt_fn fn, char marker) {
    return el_set(el, EL_PROMPT_ESC, fn, marker);
}

static inline int cedit_set_signal(EditLine *el, int on) {
    return el_set(el, EL_SIGNAL, on);
}

static inline int cedit_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}

static inline int cedit_add_function(EditLine *el, const char *name, const char *help, cedit_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}

static inline int cedit_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, (const char *)NULL);
}

/* `EL_SETTY` with two words, e.g. "-d" "-intr" (sticky in edit mode). */
static inline int cedit_setty(EditLine *el, const char *a, const char *b) {
    return el_set(el, EL_SETTY, a, b, (const char *)NULL);
}

/* 1 when editing is on; 0 when the user's editrc said `edit off`. */
static inline int cedit_get_editmode(EditLine *el) {
    int mode = 1;
    if (el_get(el, EL_EDITMODE, &mode) != 0) return 1;
    return mode;
}

static inline int cedit_refresh(EditLine *el) {
    return el_set(el, EL_REFRESH);
}

/* History */

static inline int cedit_history_set_size(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}

static inline int cedit_history_set_unique(History *h, int unique) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, unique);
}

static inline int cedit_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}

static inline int cedit_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}

/* The oldest entry (H_LAST), then newer ones (H_PREV); NULL at the end. The string
   belongs to the history: copy it before the next call. */
static inline const char *cedit_history_oldest(History *h) {
    HistEvent ev;
    if (history(h, &ev, H_LAST) == -1) return NULL;
    return ev.str;
}

static inline const char *cedit_history_newer(History *h) {
    HistEvent ev;
    if (history(h, &ev, H_PREV) == -1) return NULL;
    return ev.str;
}

/* Writes the history to an open descriptor (a fresh mkstemp file) and makes it durable:
   H_SAVE_FP, fflush, fsync. Closes fd in every case. Returns -1 on failure. */
static inline int cedit_history_save_fd(History *h, int fd) {
    HistEvent ev;
    FILE *fp = fdopen(fd, "w");
    if (fp == NULL) { (void)close(fd); return -1; }
    int written = history(h, &ev, H_SAVE_FP, fp);
    int ok = written >= 0;
    if (fflush(fp) != 0) ok = 0;
    if (fsync(fileno(fp)) != 0) ok = 0;
    if (fclose(fp) != 0) ok = 0;
    return ok ? written : -1;
}

#endif
