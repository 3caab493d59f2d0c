/**
 * Transit JSON for Sente for Java: {@link dev.sente.transit.TransitPacker}, the packer that speaks
 * to Clojure Sente peers using Sente's Transit packer.
 *
 * <pre>{@code
 * SenteServer sente = SenteServer.builder().packer(TransitPacker.create()).build();
 * }</pre>
 */
package dev.sente.transit;
