package org.conceptprune.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * Work spread over a few resources that cannot be shared (loaded models whose weights a mask edits in
 * place): one thread per resource, each item runs with one resource borrowed from the pool, results
 * come back in the items' order. A failure stops the rest and is rethrown as it was thrown.
 */
public final class Parallel {
  private Parallel() {}

  public static <T, R, U> List<U> map(List<T> items, List<R> resources, BiFunction<T, R, U> f) {
    List<U> out = new ArrayList<>();
    if (resources.size() <= 1 || items.size() <= 1) {
      for (T it : items) out.add(f.apply(it, resources.get(0)));
      return out;
    }
    BlockingQueue<R> pool = new ArrayBlockingQueue<>(resources.size(), false, resources);
    ExecutorService ex = Executors.newFixedThreadPool(resources.size(), r -> {
      Thread t = new Thread(r, "conceptprune-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<U>> fs = new ArrayList<>();
      for (T it : items) {
        fs.add(ex.submit(() -> {
          R r = pool.take();
          try {
            return f.apply(it, r);
          } finally {
            pool.put(r);
          }
        }));
      }
      for (Future<U> fu : fs) out.add(fu.get());
      return out;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      if (e.getCause() instanceof Error er) throw er;
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      ex.shutdownNow();
    }
  }
}
