package org.conceptprune.eval.nudenet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.conceptprune.Fixtures;

/** Access to {@code fixtures/eval/nudenet/cv-golden.json} (made by make_cv_golden.py beside it). */
final class CvGolden {
  private CvGolden() {}

  static Path dir() {
    return Fixtures.path("fixtures/eval/nudenet");
  }

  static JsonNode json(String file) {
    try {
      return new ObjectMapper().readTree(dir().resolve(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode load() {
    return json("cv-golden.json");
  }

  /** The script's procedural bytes: byte i of seed s = splitmix64(s * 2^32 + i) >>> 56. */
  static byte[] procBytes(long seed, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) (splitmix64((seed << 32) + i) >>> 56);
    return b;
  }

  static long splitmix64(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
