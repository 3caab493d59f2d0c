package dev.sente.edn;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The immutable settings of one {@link EdnPacker}, shared by its reader, writer and converter. */
record Options(
    int maxDepth,
    int maxNumberDigits,
    Map<String, Function<Object, ?>> tagReaders,
    BiFunction<String, Object, ?> defaultTagReader,
    List<WriterHook> writerHooks,
    boolean stringKeysAsKeywords) {

  /** How to write one Java type: through a function, then optionally under a tag. */
  record WriterHook(Class<?> type, String tag, Function<Object, ?> toValue) {}

  Options {
    tagReaders = Map.copyOf(tagReaders);
    writerHooks = List.copyOf(writerHooks);
  }

  private static final ClassValue<Optional<WriterHook>> NONE =
      new ClassValue<>() {
        @Override
        protected Optional<WriterHook> computeValue(Class<?> type) {
          return Optional.empty();
        }
      };

  /** The first registered hook whose type the class is assignable to; cached per class. */
  ClassValue<Optional<WriterHook>> hookLookup() {
    if (writerHooks.isEmpty()) {
      return NONE;
    }
    List<WriterHook> hooks = writerHooks;
    return new ClassValue<>() {
      @Override
      protected Optional<WriterHook> computeValue(Class<?> type) {
        return hooks.stream().filter(h -> h.type().isAssignableFrom(type)).findFirst();
      }
    };
  }
}
