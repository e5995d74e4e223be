package org.conceptprune.schedule;

/** Factory: a fresh scheduler of a kind, built from a (possibly foreign) scheduler config. */
public final class Schedulers {
  private Schedulers() {}

  /**
   * Like {@code S.from_config(config)}: keys present in {@code config} are used, absent keys take the
   * defaults of {@code kind}'s diffusers class. Call {@link Scheduler#setTimesteps} before use.
   */
  public static Scheduler create(SchedulerKind kind, SchedulerConfig config) {
    return switch (kind) {
      case PNDM -> new PndmScheduler(config);
      case DDIM -> new DdimScheduler(config);
      case EULER -> new EulerDiscreteScheduler(config);
      case DPMPP_2M -> new DpmSolverMultistepScheduler(config);
    };
  }
}
