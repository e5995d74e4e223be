package org.conceptprune.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.runtime.Precision;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code conceptprune} command line. Exit codes: 0 success, 2 a user mistake (bad option, missing
 * file or key: one {@code error: ...} line, no stack trace), 1 anything else (a bug: full trace).
 */
@Command(
    name = "conceptprune",
    mixinStandardHelpOptions = true,
    version = "conceptprune 0.1.0",
    description = "ConceptPrune concept erasure for Stable Diffusion (libtorch via DJL).",
    subcommands = {InspectCommand.class, TokenizeCommand.class, EncodeCommand.class, GenerateCommand.class, PruneCommand.class, ReviveCommand.class, ConcealCommand.class, StatsCommand.class, MaskCommand.class, ApplyMaskCommand.class, ConvertCommand.class, RandomInitCommand.class, BenchCommand.class, ToyCommand.class, DemoCommand.class, ScoreCommand.class, EvaluateCommand.class, AttackCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int EXIT_USER = 2;
  public static final int EXIT_BUG = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Inherited: accepted before or after the command name; null = not given. */
  @CommandLine.Option(names = "--threads", paramLabel = "N", scope = CommandLine.ScopeType.INHERIT,
      defaultValue = "${env:CONCEPTPRUNE_THREADS}",
      description = "Intra-op threads of libtorch and ONNX Runtime (env CONCEPTPRUNE_THREADS; default: the number of cores).")
  Integer threads;

  /** Inherited like --threads; null = not given (fp32 unless -Dconceptprune.precision says otherwise). */
  @CommandLine.Option(names = "--precision", paramLabel = "P", scope = CommandLine.ScopeType.INHERIT,
      defaultValue = "${env:CONCEPTPRUNE_PRECISION}",
      description = "UNet precision for inference (generate, prune, stats, bench, toy eval; training stays fp32): fp32, bf16 or auto (bf16 where the CPU has amx_bf16/avx512_bf16; env CONCEPTPRUNE_PRECISION; default fp32).")
  String precision;

  @Override
  public void run() {
    List<String> names = new ArrayList<>(spec.subcommands().keySet());
    names.remove("help");
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: one of " + String.join(", ", names));
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** Runs one command line in-process with the given streams (tests use this); returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    Main main = new Main();
    CommandLine cl = new CommandLine(main);
    // Threads must be set before anything starts the engine, so before any command runs.
    cl.setExecutionStrategy(parsed -> {
      if (main.threads != null && main.threads < 1) {
        throw new CommandLine.ParameterException(parsed.commandSpec().commandLine(),
            "--threads must be at least 1, got " + main.threads);
      }
      List<CommandLine> chain = parsed.asCommandLineList();
      main.applyThreads(chain.get(chain.size() - 1).getCommand() instanceof OneThreadByDefault);
      if (main.precision != null) {
        try {
          TorchRuntime.setPrecision(Precision.parse(main.precision));
        } catch (UserError e) {
          throw new CommandLine.ParameterException(parsed.commandSpec().commandLine(), "--precision: " + e.getMessage());
        }
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("error: " + oneLine(ex.getMessage())
          + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      return EXIT_USER;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      UserError u = userError(ex);
      if (u != null) {
        c.getErr().println("error: " + u.getMessage());
        return EXIT_USER;
      }
      ex.printStackTrace(c.getErr());
      return EXIT_BUG;
    });
    try {
      return cl.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** @param oneByDefault the command runs the tiny toy model, which is fastest on one thread */
  private void applyThreads(boolean oneByDefault) {
    if (threads != null) {
      TorchRuntime.setThreads(threads);
    } else if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      // Respect a -D given by the caller (the tests pin 1 thread); otherwise use every core.
      TorchRuntime.setThreads(oneByDefault ? 1 : java.lang.Runtime.getRuntime().availableProcessors());
    }
  }

  /** A UserError anywhere in the cause chain (a library may wrap ours). */
  private static UserError userError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UserError u) return u;
    }
    return null;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
