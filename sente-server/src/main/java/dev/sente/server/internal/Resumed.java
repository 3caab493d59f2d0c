package dev.sente.server.internal;

/**
 * Where a {@link Cursor} stands after {@link Cursor#resume}: the handshake's resume fields of the
 * protocol, ready to be written.
 *
 * @param epoch the stream's epoch
 * @param seq the cursor from now on: what follows is numbered from {@code seq + 1}
 * @param recovered null when no cursor was given (a fresh start at the stream's last number), true
 *     when the given cursor was in the window (it is {@code seq}), false when it was not
 * @param gap with {@code recovered == false}: how many events cannot be delivered, or null when
 *     that is not known (another epoch, a number from the future, a negative one)
 */
public record Resumed(String epoch, long seq, Boolean recovered, Long gap) {}
