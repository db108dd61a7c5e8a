#include "CSignals.h"
#include <signal.h>
#include <string.h>

/* The one piece of process-wide state a signal handler may touch. */
static volatile sig_atomic_t pending_signal = 0;

static void record_signal(int signal_number) {
    if (pending_signal != 0) {
        /* Second signal: stop now, the default way. */
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = SIG_DFL;
        sigaction(signal_number, &action, 0);
        raise(signal_number);
        return;
    }
    pending_signal = signal_number;
}

void csignals_install_termination_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = record_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
    sigaction(SIGINT, &action, 0);
    sigaction(SIGTERM, &action, 0);
}

int csignals_pending(void) { return pending_signal; }
