package dev.sente.edn;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Objects;

/**
 * An exact fraction, what EDN's {@code 1/3} reads as. It is always in lowest terms with a positive
 * denominator: the constructor reduces {@code 2/4} to {@code 1/2}. The reader never returns a ratio
 * with denominator 1 ({@code 4/2} reads as the integer {@code 2}, as in Clojure), and the writer
 * writes one as that integer.
 *
 * <pre>{@code
 * Ratio third = Ratio.of(1, 3);    // written as 1/3
 * third.doubleValue();             // 0.3333333333333333
 * }</pre>
 *
 * @param numerator the numerator, with the sign of the fraction
 * @param denominator the denominator, positive
 */
public record Ratio(BigInteger numerator, BigInteger denominator) {

  public Ratio {
    Objects.requireNonNull(numerator, "numerator");
    Objects.requireNonNull(denominator, "denominator");
    if (denominator.signum() == 0) {
      throw new ArithmeticException("Ratio with a zero denominator");
    }
    if (denominator.signum() < 0) {
      numerator = numerator.negate();
      denominator = denominator.negate();
    }
    BigInteger gcd = numerator.gcd(denominator);
    if (!gcd.equals(BigInteger.ONE) && gcd.signum() != 0) {
      numerator = numerator.divide(gcd);
      denominator = denominator.divide(gcd);
    }
  }

  /** The fraction {@code numerator/denominator}, reduced. */
  public static Ratio of(long numerator, long denominator) {
    return new Ratio(BigInteger.valueOf(numerator), BigInteger.valueOf(denominator));
  }

  /** The fraction {@code numerator/denominator}, reduced. */
  public static Ratio of(BigInteger numerator, BigInteger denominator) {
    return new Ratio(numerator, denominator);
  }

  /** The nearest double. */
  public double doubleValue() {
    return toBigDecimal(MathContext.DECIMAL64).doubleValue();
  }

  /** The value as a decimal rounded to the given precision. */
  public BigDecimal toBigDecimal(MathContext context) {
    Objects.requireNonNull(context, "context");
    return new BigDecimal(numerator).divide(new BigDecimal(denominator), context);
  }

  /** The EDN text: {@code 1/3}. */
  @Override
  public String toString() {
    return numerator + "/" + denominator;
  }
}
