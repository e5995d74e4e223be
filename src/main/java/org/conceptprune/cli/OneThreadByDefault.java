package org.conceptprune.cli;

/**
 * A command whose work is the tiny toy model, where libtorch runs faster on one thread than on two
 * (small batches: the threads wait on each other; measured in docs/BENCHMARKS.md, "demo"): without
 * {@code --threads} it runs on one.
 */
interface OneThreadByDefault {}
