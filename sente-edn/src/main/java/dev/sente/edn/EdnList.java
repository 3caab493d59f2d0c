package dev.sente.edn;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An EDN list {@code (a b c)}: what the reader returns for parentheses, and what the writer writes
 * with parentheses. Every other {@link java.util.List} is written as a vector {@code [a b c]},
 * which is what Sente's frames are. It is an unmodifiable list that may hold nulls, and it equals
 * any list with the same elements (as in Clojure, where {@code (= '(1 2) [1 2])}).
 *
 * <pre>{@code
 * packer.write(EdnList.of(1, 2));   // (1 2)
 * packer.write(List.of(1, 2));      // [1 2]
 * }</pre>
 */
public final class EdnList extends AbstractList<Object> implements RandomAccess {

  private static final EdnList EMPTY = new EdnList(new Object[0]);

  private final Object[] elements;

  private EdnList(Object[] elements) {
    this.elements = elements;
  }

  /** A list of the given elements (copied; nulls allowed). */
  public static EdnList of(Object... elements) {
    Objects.requireNonNull(elements, "elements");
    return elements.length == 0 ? EMPTY : new EdnList(elements.clone());
  }

  /** A list of the elements of a collection, in its iteration order (nulls allowed). */
  public static EdnList copyOf(Collection<?> elements) {
    Objects.requireNonNull(elements, "elements");
    return elements.isEmpty() ? EMPTY : new EdnList(elements.toArray());
  }

  @Override
  public Object get(int index) {
    Objects.checkIndex(index, elements.length);
    return elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }

  @Override
  public Object[] toArray() {
    return Arrays.copyOf(elements, elements.length);
  }
}
