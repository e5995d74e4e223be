package org.conceptprune.util;

import java.util.List;

/**
 * An error caused by the user's input (a bad file, a wrong option, a missing key). The CLI prints its
 * message alone, without a stack trace; everything else is a bug and keeps its trace.
 */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code unknown WHAT 'VALUE' (a, b or c)}: a value that is none of {@code choices} (at least one). */
  public static UserError unknown(String what, String value, List<String> choices) {
    String last = choices.get(choices.size() - 1);
    String list = choices.size() == 1 ? last : String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + last;
    return new UserError("unknown " + what + " '" + value + "' (" + list + ")");
  }
}
