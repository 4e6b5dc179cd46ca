using ProtocolEngine.Language.FuzzHost;

// Feeds mutated copies of the shipped protocols through `protocol check` (and some through `protocol format --check`)
// in this one process, so that a stack overflow ends this process and fails the test that started it, not the runner:
//   FuzzHost --protocols DIR --work DIR [--seed N] [--count N] [--only I | --shard K/N]
// Prints "seed N" first, "mutant I ..." before each run (after a crash the last such line names the culprit, whose text
// is left in WORK/current/), "FAIL ..." for each run that ended in an internal error, and a summary line; exit code 0
// when no run failed. --only I makes the same mutants but runs only the I-th, and leaves its text in WORK/current/;
// --shard K/N runs only the mutants whose number is K modulo N (N processes share one seed's mutants).
return FuzzRun.Run(args);
