package dev.sente.edn;

import dev.sente.core.Symbol;
import java.util.Objects;

/**
 * A tagged literal kept as it is: {@code #my/tag value}. It is written back with its tag, so a
 * packer that reads unknown tags into it (see {@link EdnPacker.Builder#defaultTag}) round-trips
 * them; an application can also send one to write any tag.
 *
 * <pre>{@code
 * EdnPacker packer = EdnPacker.builder().defaultTag(TaggedValue::new).build();
 * packer.read("#my/point [1 2]");            // TaggedValue[tag=my/point, value=[1, 2]]
 * packer.write(new TaggedValue("my/point", List.of(1, 2)));   // #my/point [1 2]
 * }</pre>
 *
 * @param tag the tag symbol without {@code #}, such as {@code my/point}
 * @param value the tagged value, or null for {@code nil}
 */
public record TaggedValue(String tag, Object value) {

  public TaggedValue {
    Objects.requireNonNull(tag, "tag");
    checkTag(tag);
  }

  static void checkTag(String tag) {
    if (!Symbol.isValidName(tag) || !Character.isLetter(tag.charAt(0))) {
      throw new IllegalArgumentException(
          "Invalid tag \"" + tag + "\": it must be a symbol name that starts with a letter");
    }
  }
}
