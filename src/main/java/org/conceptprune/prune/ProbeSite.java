package org.conceptprune.prune;

import java.util.Locale;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.util.UserError;

/**
 * Where activations are recorded (ALGORITHM.md §1): the input of a Linear layer, whose weight is then
 * scored and pruned. FFN-2 is the method's default and the paper's best target.
 */
public enum ProbeSite {
  FFN2("ffn2", ".ff.net.2", true),
  FFN1("ffn1", ".ff.net.0.proj", true),
  ATTN2_K("attn2-k", ".attn2.to_k", true),
  ATTN2_V("attn2-v", ".attn2.to_v", true),
  TEXT_FC2("text-fc2", ".mlp.fc2", false);

  public final String cliName;
  /** The module-path suffix of the probed Linear layers. */
  public final String suffix;
  /** True for UNet layers (recorded per UNet call), false for the text encoder (recorded once). */
  public final boolean inUnet;

  ProbeSite(String cliName, String suffix, boolean inUnet) {
    this.cliName = cliName;
    this.suffix = suffix;
    this.inUnet = inUnet;
  }

  /** The component whose weights this site scores and prunes. */
  public Component component() {
    return inUnet ? Component.UNET : Component.TEXT_ENCODER;
  }

  public static ProbeSite fromCli(String s) {
    String n = s.trim().toLowerCase(Locale.ROOT);
    for (ProbeSite p : values()) if (p.cliName.equals(n)) return p;
    throw new UserError("unknown probe site '" + s + "' (ffn2, ffn1, attn2-k, attn2-v, text-fc2)");
  }
}
