package org.conceptprune.io.pickle;

import java.util.List;
import org.conceptprune.util.UserError;

/**
 * The Python names a pickled NumPy array ({@code pickle.dump(np.ndarray)}) may use: EXACTLY
 * {@code numpy.core.multiarray._reconstruct} (NumPy 2: {@code numpy._core.multiarray._reconstruct}),
 * {@code numpy.ndarray} and {@code numpy.dtype}. Anything else is refused the moment the pickle names
 * it, and nothing is ever called: {@code _reconstruct(...)} and {@code dtype(...)} become
 * {@link Py.Opaque}s whose arguments and BUILD state {@link NumpyPickle} then reads as data.
 */
final class NumpyGlobals implements Unpickler.Policy {
  static final List<String> ALLOWED = List.of("numpy.core.multiarray._reconstruct",
      "numpy._core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype");

  private final String file;

  NumpyGlobals(String file) {
    this.file = file;
  }

  @Override
  public Object global(String module, String name) {
    String dotted = module + "." + name;
    if (!ALLOWED.contains(dotted)) {
      throw new UserError(file + ": refused: the pickle asks for the Python global '" + TorchGlobals.printable(dotted)
          + "'; a NumPy array pickle may only name " + String.join(", ", ALLOWED) + " (nothing was executed)");
    }
    return new Py.Global(module, name);
  }

  @Override
  public Object call(Object callable, Py.Tuple args, String how) {
    if (callable instanceof Py.Global g && how.equals("REDUCE") && !g.name().equals("ndarray")) return new Py.Opaque(g, args);
    throw NumpyPickle.bad(file, how + " of a " + Py.typeName(callable) + " (only _reconstruct(...) and dtype(...) are read)");
  }

  @Override
  public Object persistentLoad(Object pid) {
    throw NumpyPickle.bad(file, "a persistent id (NumPy array pickles have none)");
  }
}
