#pragma once

// Runs the core through a handshake and an exchange in memory; prints what it verified.
// Returns 0 when every check passed.
int run_self_check();
