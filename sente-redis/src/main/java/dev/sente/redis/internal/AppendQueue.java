package dev.sente.redis.internal;

import dev.sente.redis.internal.RedisLog.UserEvents;
import dev.sente.server.cluster.Cluster.Appended;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A node's appends on their way to Redis: at most {@code maxOut} script calls out at a time, each
 * next one carrying every append that came meanwhile (up to a batch's bounds), so that under load
 * many users' appends share one round trip, one script and one bus message, and at low rates an
 * append goes at once.
 *
 * <p><b>Order</b>: one user's appends leave in the order they came, and never two calls at once:
 * while a call with the user's appends is out, the user's next appends wait for its answer. So one
 * node's appends of one user are numbered in the order they were made, whatever happens to a call
 * (even when Redis lost the script and the call is sent again by its text).
 *
 * <p><b>Bounded</b>: at most {@code maxWaiting} appends and {@code maxWaitingBytes} of events wait;
 * an append past either is refused at once (a {@link RejectedExecutionException}, counted by {@link
 * #refused}), never sent, so that a node whose Redis is slow or away holds a bounded memory and
 * knows exactly what Redis did not get.
 */
public final class AppendQueue {

  private record Waiting(UserEvents append, long bytes, CompletableFuture<Appended> done) {}

  private final Function<List<UserEvents>, CompletionStage<List<Appended>>> send;
  private final long maxBatchBytes;
  private final int maxBatchAppends;
  private final int maxWaiting;
  private final long maxWaitingBytes;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(); // guarded by itself
  private long waitingBytes; // guarded by waiting
  private int out; // calls out now, guarded by waiting
  private final Map<String, Integer> usersOut = new HashMap<>(); // appends out per user, guarded
  private final int maxOut;
  private final LongAdder refused = new LongAdder();
  private final LongAdder calls = new LongAdder();

  /**
   * @param send runs one batch (one script call), its result one {@link Appended} for each
   * @param maxBatchBytes event bytes in one call, at least: a single larger append goes alone
   * @param maxBatchAppends appends in one call, at least 1
   * @param maxWaiting appends that may wait, at least 1
   * @param maxWaitingBytes event bytes that may wait, at least 1
   */
  public AppendQueue(
      Function<List<UserEvents>, CompletionStage<List<Appended>>> send,
      long maxBatchBytes,
      int maxBatchAppends,
      int maxWaiting,
      long maxWaitingBytes,
      int maxOut) {
    if (maxBatchBytes < 1
        || maxBatchAppends < 1
        || maxWaiting < 1
        || maxWaitingBytes < 1
        || maxOut < 1) {
      throw new IllegalArgumentException("an append queue's bounds must be at least 1");
    }
    this.send = send;
    this.maxBatchBytes = maxBatchBytes;
    this.maxBatchAppends = maxBatchAppends;
    this.maxWaiting = maxWaiting;
    this.maxWaitingBytes = maxWaitingBytes;
    this.maxOut = maxOut;
  }

  /** Queues the user's events for the next call; refused at once past the bounds. */
  public CompletionStage<Appended> offer(UserEvents append) {
    long bytes = append.bytes();
    CompletableFuture<Appended> done = new CompletableFuture<>();
    List<Waiting> batch;
    synchronized (waiting) {
      if (waiting.size() >= maxWaiting || waitingBytes + bytes > maxWaitingBytes) {
        int count = waiting.size();
        long held = waitingBytes;
        refused.increment();
        return CompletableFuture.failedFuture(
            new RejectedExecutionException(
                "Redis is behind: "
                    + count
                    + " appends ("
                    + held
                    + " bytes) wait already, at most "
                    + maxWaiting
                    + " ("
                    + maxWaitingBytes
                    + " bytes)"));
      }
      waiting.add(new Waiting(append, bytes, done));
      waitingBytes += bytes;
      if (out >= maxOut) {
        return done;
      }
      batch = take();
      if (batch.isEmpty()) {
        return done; // its user has a call out: it goes when that call is answered
      }
      out++;
    }
    run(batch);
    return done;
  }

  /**
   * The next batch, from the head of the queue: the appends that fit, in order, but none of a user
   * that a call out has already (that user's appends wait, in order, for its call to be answered).
   * May be empty. The caller holds the lock.
   */
  private List<Waiting> take() {
    List<Waiting> batch = new ArrayList<>();
    List<Waiting> held = new ArrayList<>();
    Set<String> heldUsers = new HashSet<>();
    long bytes = 0;
    while (!waiting.isEmpty() && batch.size() < maxBatchAppends) {
      Waiting next = waiting.peek();
      String user = next.append().user();
      if (usersOut.containsKey(user) || heldUsers.contains(user)) {
        heldUsers.add(user);
        held.add(waiting.poll());
        continue;
      }
      if (!batch.isEmpty() && bytes + next.bytes() > maxBatchBytes) {
        break;
      }
      waiting.poll();
      waitingBytes -= next.bytes();
      bytes += next.bytes();
      batch.add(next);
    }
    for (int i = held.size() - 1; i >= 0; i--) {
      waiting.addFirst(held.get(i));
    }
    for (Waiting w : batch) {
      usersOut.merge(w.append().user(), 1, Integer::sum);
    }
    return batch;
  }

  /**
   * Sends batches until the queue is empty: each next one when the one before it is answered (a
   * loop, not a recursion, when calls complete at once).
   */
  private void run(List<Waiting> first) {
    List<Waiting> batch = first;
    while (batch != null) {
      List<Waiting> sent = batch;
      CompletableFuture<List<Appended>> reply;
      calls.increment();
      try {
        reply = send.apply(appendsOf(sent)).toCompletableFuture();
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
      if (!reply.isDone()) {
        reply.whenComplete((result, error) -> run(answer(sent, result, error)));
        return;
      }
      List<Appended> result = null;
      Throwable error = null;
      try {
        result = reply.join();
      } catch (RuntimeException e) {
        error = e;
      }
      batch = answer(sent, result, error);
    }
  }

  /**
   * Completes the batch's appends; the next batch, or null when nothing waits (and none is out).
   */
  private List<Waiting> answer(List<Waiting> sent, List<Appended> result, Throwable failed) {
    Throwable error =
        failed instanceof CompletionException && failed.getCause() != null
            ? failed.getCause()
            : failed;
    for (int i = 0; i < sent.size(); i++) {
      if (error != null) {
        sent.get(i).done().completeExceptionally(error);
      } else {
        sent.get(i).done().complete(result.get(i));
      }
    }
    synchronized (waiting) {
      for (Waiting w : sent) {
        usersOut.computeIfPresent(w.append().user(), (u, n) -> n == 1 ? null : n - 1);
      }
      List<Waiting> next = take();
      if (next.isEmpty()) {
        out--;
        return null;
      }
      return next;
    }
  }

  private static List<UserEvents> appendsOf(List<Waiting> batch) {
    List<UserEvents> out = new ArrayList<>(batch.size());
    for (Waiting w : batch) {
      out.add(w.append());
    }
    return out;
  }

  /** Appends refused since the start: past the bounds, never sent. */
  public long refused() {
    return refused.sum();
  }

  /** Script calls made since the start. */
  public long calls() {
    return calls.sum();
  }

  /** Appends waiting now. */
  public int waiting() {
    synchronized (waiting) {
      return waiting.size();
    }
  }
}
