package org.conceptprune.util;

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
}
