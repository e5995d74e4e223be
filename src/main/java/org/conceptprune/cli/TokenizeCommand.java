package org.conceptprune.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.conceptprune.io.checkpoint.ModelFolder;
import org.conceptprune.model.clip.ClipTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tokenize MODEL PROMPT...}: the ids a Stable Diffusion pipeline feeds its text encoder
 * (bos, content, eos, padded to 77), and the BPE tokens. A folder holding only {@code tokenizer/} is
 * enough; so is a tokenizer folder itself.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
    description = "Show the CLIP token ids and tokens of prompts (truncated and padded to the model's 77).")
public final class TokenizeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelArgument model;
  @Mixin JsonOption json;
  @Mixin PromptsFileOption promptsFile;

  @Parameters(index = "1..*", paramLabel = "PROMPT", arity = "0..*", description = "Prompts to tokenize.")
  List<String> prompts;

  @Option(names = "--tokenizer", paramLabel = "NAME", defaultValue = "tokenizer",
      description = "Tokenizer sub-folder: tokenizer (default) or tokenizer_2 (SDXL's second).")
  String tokenizer;

  @Override
  public Integer call() {
    List<String> all = promptsFile.collect(prompts);
    Path dir = ModelFolder.tokenizerDir(model.model, tokenizer);
    ClipTokenizer tok = ClipTokenizer.load(dir);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (int i = 0; i < all.size(); i++) {
      String p = all.get(i);
      ClipTokenizer.Encoding e = tok.encode(p);
      if (e.truncated()) {
        err.printf("warning: prompt %d truncated to %d tokens (it has %d; %d dropped): %s%n", i + 1,
            tok.maxLength(), e.untruncatedLength(), e.untruncatedLength() - tok.maxLength(), abbreviate(p));
      }
      if (json.json) {
        ObjectNode o = JsonOption.JSON.createObjectNode();
        o.put("prompt", p);
        ArrayNode ids = o.putArray("ids");
        for (long id : e.ids()) ids.add(id);
        ArrayNode toks = o.putArray("tokens");
        e.tokens().forEach(toks::add);
        o.put("length", e.tokens().size());
        o.put("untruncated_length", e.untruncatedLength());
        o.put("truncated", e.truncated());
        out.println(o.toString());
      } else {
        int n = e.tokens().size();
        out.println("prompt: " + p);
        out.println("length: " + n + " of " + tok.maxLength() + (e.truncated() ? " (truncated)" : "")
            + ", padded with id " + tok.padId());
        out.println("ids: " + Arrays.stream(e.ids(), 0, n).mapToObj(Long::toString).collect(Collectors.joining(" ")));
        out.println("tokens: " + String.join(" ", e.tokens()));
        if (i + 1 < all.size()) out.println();
      }
    }
    return 0;
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? "\"" + s + "\"" : "\"" + s.substring(0, 57) + "...\"";
  }
}
