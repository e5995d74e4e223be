package org.conceptprune.schedule;

import java.util.Locale;
import org.conceptprune.util.UserError;

/** The four supported samplers, with their CLI names and their diffusers class names. */
public enum SchedulerKind {
  PNDM("pndm", "PNDMScheduler"),
  DDIM("ddim", "DDIMScheduler"),
  EULER("euler", "EulerDiscreteScheduler"),
  DPMPP_2M("dpmpp-2m", "DPMSolverMultistepScheduler");

  private final String cliName;
  private final String className;

  SchedulerKind(String cliName, String className) {
    this.cliName = cliName;
    this.className = className;
  }

  /** Name used on the command line, e.g. {@code dpmpp-2m}. */
  public String cliName() {
    return cliName;
  }

  /** The diffusers class name as written in {@code _class_name}. */
  public String className() {
    return className;
  }

  /** Parses a CLI name (case-insensitive); a bad name is the user's error. */
  public static SchedulerKind fromCli(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (SchedulerKind k : values()) if (k.cliName.equals(n)) return k;
    throw new UserError("unknown scheduler '" + name + "' (expected one of pndm, ddim, euler, dpmpp-2m)");
  }

  /** The kind for a diffusers {@code _class_name}, or null when it is none of the four. */
  public static SchedulerKind fromClassName(String className) {
    for (SchedulerKind k : values()) if (k.className.equals(className)) return k;
    return null;
  }
}
