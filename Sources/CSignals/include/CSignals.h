#ifndef CSIGNALS_H
#define CSIGNALS_H

/// Installs handlers for SIGINT and SIGTERM that only record the signal (async-signal-safe), without SA_RESTART,
/// so that a blocking read returns EINTR and the program can stop at its next check and clean up. A second signal
/// of either kind restores the default action and re-raises it: a user who presses Ctrl-C twice is never stuck.
void csignals_install_termination_handlers(void);

/// The termination signal received so far (SIGINT or SIGTERM), or 0.
int csignals_pending(void);

#endif
