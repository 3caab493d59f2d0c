package dev.sente.transit.internal;

import com.cognitect.transit.Ratio;
import dev.sente.core.PackException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.List;

/**
 * A Transit ratio ({@code ["~#ratio",["~n1","~n3"]]}, Clojure's {@code 1/3}) with value equality
 * and a value that never throws: transit-java's own {@code RatioImpl} compares numerators by
 * identity and divides exactly, so {@code 1/3} fails in {@code getValue()}.
 *
 * @param numerator the numerator
 * @param denominator the denominator, never zero
 */
record ExactRatio(BigInteger numerator, BigInteger denominator) implements Ratio {

  ExactRatio {
    if (denominator.signum() == 0) {
      throw new PackException("A ratio's denominator must not be zero");
    }
  }

  /** Reads the rep of {@code ~#ratio}: an array of two integers. */
  static ExactRatio fromRep(Object rep) {
    if (rep instanceof List<?> parts
        && parts.size() == 2
        && integer(parts.get(0)) != null
        && integer(parts.get(1)) != null) {
      return new ExactRatio(integer(parts.get(0)), integer(parts.get(1)));
    }
    throw new PackException("The rep of ~#ratio must be an array of two integers");
  }

  private static BigInteger integer(Object o) {
    if (o instanceof BigInteger b) {
      return b;
    }
    return o instanceof Long n ? BigInteger.valueOf(n) : null;
  }

  @Override
  public Double getValue() {
    return new BigDecimal(numerator)
        .divide(new BigDecimal(denominator), MathContext.DECIMAL64)
        .doubleValue();
  }

  @Override
  public BigInteger getNumerator() {
    return numerator;
  }

  @Override
  public BigInteger getDenominator() {
    return denominator;
  }

  @Override
  public int compareTo(Ratio other) {
    return numerator
        .multiply(other.getDenominator())
        .multiply(BigInteger.valueOf(denominator.signum() * other.getDenominator().signum()))
        .compareTo(
            other
                .getNumerator()
                .multiply(denominator)
                .multiply(
                    BigInteger.valueOf(denominator.signum() * other.getDenominator().signum())));
  }

  @Override
  public String toString() {
    return numerator + "/" + denominator;
  }
}
