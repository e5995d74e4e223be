package org.conceptprune.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Renders a local HTML page in headless Chromium (Debian's chromium) and reads the resulting DOM. */
public final class Chromium {
  public record Page(int imagesLoaded, int imagesTotal, int svgs, String dom) {
    @Override
    public String toString() {
      return "loaded " + imagesLoaded + " of " + imagesTotal + " images, " + svgs + " svg";
    }
  }

  private Chromium() {}

  public static Path binary() {
    for (String b : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(b))) return Path.of(b);
    }
    throw new AssertionError("headless Chromium is needed for the report test: apt-get install chromium (.ci/run does)");
  }

  public static Page render(Path html) throws Exception {
    return render(html.toUri().toString(), "--window-size=800,600");
  }

  /** The page at a window width (1280 for the demo), with a fragment ("#check") its script may read. */
  public static Page render(Path html, String fragment, int width) throws Exception {
    return render(html.toUri() + fragment, "--window-size=" + width + ",900");
  }

  private static Page render(String url, String window) throws Exception {
    Path profile = Files.createTempDirectory("chromium-profile");
    Path out = Files.createTempFile("dom", ".html");
    Process p = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--allow-file-access-from-files", "--user-data-dir=" + profile, "--virtual-time-budget=5000", window, "--dump-dom",
        url).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s");
    }
    String dom = Files.readString(out);
    return new Page(attr(dom, "data-images-loaded"), attr(dom, "data-images-total"), count(dom, "<svg"), dom);
  }

  public static int attr(String dom, String name) {
    Matcher m = Pattern.compile(name + "=\"(\\d+)\"").matcher(dom);
    if (!m.find()) throw new AssertionError("no " + name + " in the rendered page (the script did not run?)");
    return Integer.parseInt(m.group(1));
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
    return n;
  }
}
