#ifndef PORTHOLE_CEDIT_SHIM_H
#define PORTHOLE_CEDIT_SHIM_H
/*
 * Non-variadic wrappers over libedit: Swift cannot call el_set, el_get or history(),
 * and Swift 6 rejects C's stdin/stdout/stderr globals, so everything that needs them
 * happens here.
 *
 * libedit is opened with dlopen when the prompt starts, not linked: scripts and one-shot
 * commands never use it, and loading it with libtinfo, libbsd and libmd would slow every
 * one of them (`scripts/bench lookup` measures start-up). histedit.h still gives the types and the prototypes that
 * the table below is checked against. Apart from that table, loaded once, every function
 * is static inline and works only on what it is given.
 */
#include <fcntl.h>
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <histedit.h>

typedef unsigned char (*cedit_command_fn)(EditLine *, int);
typedef char *(*cedit_prompt_fn)(EditLine *);

/* The functions porthole uses, typed from histedit.h's own declarations. */
typedef struct {
    __typeof__(&el_init) el_init;
    __typeof__(&el_end) el_end;
    __typeof__(&el_set) el_set;
    __typeof__(&el_get) el_get;
    __typeof__(&el_gets) el_gets;
    __typeof__(&el_line) el_line;
    __typeof__(&el_insertstr) el_insertstr;
    __typeof__(&el_deletestr) el_deletestr;
    __typeof__(&el_cursor) el_cursor;
    __typeof__(&el_resize) el_resize;
    __typeof__(&el_source) el_source;
    __typeof__(&history_init) history_init;
    __typeof__(&history_end) history_end;
    __typeof__(&history) history;
} cedit_library;

/* Where libedit is looked for: its Debian/Ubuntu soname, the development link, macOS. */
static const char *const cedit_library_names[] = {
    "libedit.so.2", "libedit.so", "libedit.3.dylib", "libedit.dylib", NULL,
};

/* libedit's functions, loaded on the first call; NULL when libedit cannot be loaded (then
   cedit_load_error() says why). Each translation unit keeps its own table; they agree. */
static inline const cedit_library *cedit_library_get(void) {
    static cedit_library table;
    static int state; /* 0 not tried, 1 loaded, -1 failed */
    if (state != 0) return state == 1 ? &table : NULL;
    state = -1;
    void *handle = NULL;
    for (const char *const *name = cedit_library_names; *name != NULL && handle == NULL; name++) {
        handle = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
    }
    if (handle == NULL) return NULL;
#define CEDIT_LOAD(symbol) \
    if ((*(void **)&table.symbol = dlsym(handle, #symbol)) == NULL) return NULL;
    CEDIT_LOAD(el_init) CEDIT_LOAD(el_end) CEDIT_LOAD(el_set) CEDIT_LOAD(el_get)
    CEDIT_LOAD(el_gets) CEDIT_LOAD(el_line) CEDIT_LOAD(el_insertstr) CEDIT_LOAD(el_deletestr)
    CEDIT_LOAD(el_cursor)
    CEDIT_LOAD(el_resize) CEDIT_LOAD(el_source) CEDIT_LOAD(history_init)
    CEDIT_LOAD(history_end) CEDIT_LOAD(history)
#undef CEDIT_LOAD
    state = 1;
    return &table;
}

/* 1 when libedit is loaded (loading it now if need be), else 0. */
static inline int cedit_load(void) { return cedit_library_get() != NULL; }

/* Why libedit could not be loaded (dlerror's text), or NULL. */
static inline const char *cedit_load_error(void) { return dlerror(); }

#define CEDIT (*cedit_library_get())

/* Editor */

/* The editor reads stdin and writes its prompt and echo to `out`: stdout, or the terminal
   when stdout is a pipe (libedit edits only when its output is a terminal). The stream owns
   `out` from then on. */
static inline EditLine *cedit_init(const char *program, int out) {
    FILE *fout = stdout;
    if (out != STDOUT_FILENO && (fout = fdopen(out, "w")) == NULL) return NULL;
    return CEDIT.el_init(program, stdin, fout, stderr);
}

static inline void cedit_flush_stdout(void) { (void)fflush(stdout); }

static inline void cedit_end(EditLine *el) { CEDIT.el_end(el); }

static inline const char *cedit_gets(EditLine *el, int *count) { return CEDIT.el_gets(el, count); }

static inline const LineInfo *cedit_line(EditLine *el) { return CEDIT.el_line(el); }

static inline int cedit_insertstr(EditLine *el, const char *text) { return CEDIT.el_insertstr(el, text); }

static inline void cedit_deletestr(EditLine *el, int count) { CEDIT.el_deletestr(el, count); }

/* Moves the cursor by `count` characters (negative: left). */
static inline int cedit_cursor(EditLine *el, int count) { return CEDIT.el_cursor(el, count); }

static inline void cedit_resize(EditLine *el) { CEDIT.el_resize(el); }

/* Reads ~/.editrc (or $EDITRC). */
static inline int cedit_source_editrc(EditLine *el) { return CEDIT.el_source(el, NULL); }

static inline int cedit_set_clientdata(EditLine *el, void *data) {
    return CEDIT.el_set(el, EL_CLIENTDATA, data);
}

static inline void *cedit_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (CEDIT.el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

static inline int cedit_set_editor(EditLine *el, const char *mode) {
    return CEDIT.el_set(el, EL_EDITOR, mode);
}

static inline int cedit_set_prompt_esc(EditLine *el, cedit_prompt_fn fn, char marker) {
    return CEDIT.el_set(el, EL_PROMPT_ESC, fn, marker);
}

static inline int cedit_set_signal(EditLine *el, int on) {
    return CEDIT.el_set(el, EL_SIGNAL, on);
}

static inline int cedit_set_history(EditLine *el, History *h) {
    return CEDIT.el_set(el, EL_HIST, CEDIT.history, h);
}

static inline int cedit_add_function(EditLine *el, const char *name, const char *help, cedit_command_fn fn) {
    return CEDIT.el_set(el, EL_ADDFN, name, help, fn);
}

static inline int cedit_bind(EditLine *el, const char *key, const char *function) {
    return CEDIT.el_set(el, EL_BIND, key, function, (const char *)NULL);
}

/* `EL_SETTY` with two words, e.g. "-d" "-intr" (sticky in edit mode). */
static inline int cedit_setty(EditLine *el, const char *a, const char *b) {
    return CEDIT.el_set(el, EL_SETTY, a, b, (const char *)NULL);
}

/* 1 when editing is on; 0 when the user's editrc said `edit off`. */
static inline int cedit_get_editmode(EditLine *el) {
    int mode = 1;
    if (CEDIT.el_get(el, EL_EDITMODE, &mode) != 0) return 1;
    return mode;
}

/* History */

static inline History *cedit_history_init(void) { return CEDIT.history_init(); }

static inline void cedit_history_end(History *h) { CEDIT.history_end(h); }

static inline int cedit_history_set_size(History *h, int size) {
    HistEvent ev;
    return CEDIT.history(h, &ev, H_SETSIZE, size);
}

static inline int cedit_history_set_unique(History *h, int unique) {
    HistEvent ev;
    return CEDIT.history(h, &ev, H_SETUNIQUE, unique);
}

static inline int cedit_history_enter(History *h, const char *line) {
    HistEvent ev;
    return CEDIT.history(h, &ev, H_ENTER, line);
}

static inline int cedit_history_clear(History *h) {
    HistEvent ev;
    return CEDIT.history(h, &ev, H_CLEAR);
}

static inline int cedit_history_load(History *h, const char *path) {
    HistEvent ev;
    return CEDIT.history(h, &ev, H_LOAD, path);
}

/* The oldest entry (H_LAST), then newer ones (H_PREV); NULL at the end. The string
   belongs to the history: copy it before the next call. */
static inline const char *cedit_history_oldest(History *h) {
    HistEvent ev;
    if (CEDIT.history(h, &ev, H_LAST) == -1) return NULL;
    return ev.str;
}

static inline const char *cedit_history_newer(History *h) {
    HistEvent ev;
    if (CEDIT.history(h, &ev, H_PREV) == -1) return NULL;
    return ev.str;
}

/* Writes the history to an open descriptor and flushes it. The descriptor stays open (the
 * caller syncs, closes and renames it): the stream writes through a close-on-exec duplicate. */
static inline int cedit_history_save_fd(History *h, int fd) {
    HistEvent ev;
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) return -1;
    FILE *fp = fdopen(copy, "w");
    if (fp == NULL) { (void)close(copy); return -1; }
    int written = CEDIT.history(h, &ev, H_SAVE_FP, fp);
    int ok = written >= 0;
    if (fflush(fp) != 0) ok = 0;
    if (fclose(fp) != 0) ok = 0;
    return ok ? written : -1;
}

#endif
