package org.conceptprune.cli;

import java.util.function.Function;
import org.conceptprune.attack.AttackMethodKind;
import org.conceptprune.attack.JudgeSpec;
import org.conceptprune.experiment.ExperimentKind;
import org.conceptprune.experiment.ToyAblation;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.toy.Wording;
import org.conceptprune.util.UserError;
import picocli.CommandLine;

/**
 * picocli converters of the options whose values are enums: the parse's {@link UserError} (which lists
 * the valid values) becomes picocli's one {@code error: Invalid value for option ...} line.
 */
final class Converters {
  private Converters() {}

  abstract static class Of<T> implements CommandLine.ITypeConverter<T> {
    private final Function<String, T> parse;

    Of(Function<String, T> parse) {
      this.parse = parse;
    }

    @Override
    public T convert(String value) {
      try {
        return parse.apply(value);
      } catch (UserError e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code toy}, ..., {@code coco}, or a recipe file ending in .json. */
  static final class Experiment extends Of<ExperimentKind.Choice> {
    Experiment() {
      super(ExperimentKind.Choice::parse);
    }
  }

  /** {@code ff.net.2}, {@code attn2.to_out} or {@code random-linear}. */
  static final class Ablation extends Of<ToyAblation> {
    Ablation() {
      super(ToyAblation::parse);
    }
  }

  /** {@code grammar} or {@code varied}. */
  static final class Captions extends Of<Wording> {
    Captions() {
      super(Wording::parse);
    }
  }

  /** {@code unlearndiff}, {@code inversion}, {@code ring-a-bell}, {@code random} or {@code revival}. */
  static final class AttackMethod extends Of<AttackMethodKind> {
    AttackMethod() {
      super(AttackMethodKind::parse);
    }
  }

  /** {@code toy}, {@code classify:WEIGHTS}, {@code nudity:ONNX}, {@code clip:DIR} or {@code style:DIR}. */
  static final class Judge extends Of<JudgeSpec> {
    Judge() {
      super(JudgeSpec::parse);
    }
  }

  /** A weighted component by its diffusers name: {@code unet}, {@code vae}, {@code text_encoder} or {@code text_encoder_2}. */
  static final class ComponentName extends Of<Component> {
    ComponentName() {
      super(Component::of);
    }
  }
}
