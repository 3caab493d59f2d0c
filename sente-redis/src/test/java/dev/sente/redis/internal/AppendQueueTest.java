package dev.sente.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.redis.internal.RedisLog.UserEvents;
import dev.sente.server.cluster.Cluster.Appended;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** How a node's appends wait for Redis: one call out at a time, batched, bounded. */
class AppendQueueTest {

  /** A Redis stand-in: keeps each call and answers it when told. */
  private static final class Calls {
    final List<List<UserEvents>> made = new ArrayList<>();
    final List<CompletableFuture<List<Appended>>> replies = new ArrayList<>();

    CompletionStage<List<Appended>> send(List<UserEvents> batch) {
      made.add(batch);
      CompletableFuture<List<Appended>> reply = new CompletableFuture<>();
      replies.add(reply);
      return reply;
    }

    void answer(int call) {
      List<Appended> out = new ArrayList<>();
      for (int i = 0; i < made.get(call).size(); i++) {
        out.add(new Appended("E", 100L * call + i));
      }
      replies.get(call).complete(out);
    }

    List<String> users(int call) {
      return made.get(call).stream().map(UserEvents::user).toList();
    }
  }

  private static UserEvents events(String user, int bytes) {
    return new UserEvents(user, List.of("x".repeat(bytes).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anAppendGoesAtOnceAndThoseThatComeMeanwhileShareTheNextCallInOrder() {
    Calls redis = new Calls();
    AppendQueue queue = new AppendQueue(redis::send, 1 << 20, 500, 100, 1 << 20, 1);
    CompletableFuture<Appended> first = queue.offer(events("alice", 1)).toCompletableFuture();
    assertThat(redis.made).as("nothing was out: it went at once").hasSize(1);
    List<CompletableFuture<Appended>> later = new ArrayList<>();
    for (String user : List.of("bob", "carol", "alice")) {
      later.add(queue.offer(events(user, 1)).toCompletableFuture());
    }
    assertThat(redis.made).as("one call out at a time").hasSize(1);
    assertThat(queue.waiting()).isEqualTo(3);
    redis.answer(0);
    assertThat(first).isCompletedWithValue(new Appended("E", 0));
    assertThat(redis.made).hasSize(2);
    assertThat(redis.users(1)).containsExactly("bob", "carol", "alice");
    redis.answer(1);
    assertThat(later.get(2)).isCompletedWithValue(new Appended("E", 102));
    assertThat(queue.waiting()).isZero();
    queue.offer(events("dan", 1));
    assertThat(redis.made).as("idle again: the next goes at once").hasSize(3);
    assertThat(queue.calls()).isEqualTo(3);
  }

  @Test
  void withSeveralCallsOutOneUsersAppendsStillGoOneCallAtATimeInOrder() {
    Calls redis = new Calls();
    AppendQueue queue = new AppendQueue(redis::send, 1 << 20, 500, 100, 1 << 20, 2);
    queue.offer(events("alice", 1));
    CompletableFuture<Appended> second = queue.offer(events("alice", 2)).toCompletableFuture();
    assertThat(redis.made).as("alice has a call out: her next waits").hasSize(1);
    queue.offer(events("bob", 1));
    assertThat(redis.made).as("bob goes beside her").hasSize(2);
    assertThat(redis.users(1)).containsExactly("bob");
    queue.offer(events("carol", 1));
    queue.offer(events("alice", 3));
    redis.answer(1);
    assertThat(redis.users(2)).as("alice's wait, carol goes").containsExactly("carol");
    redis.answer(0);
    assertThat(redis.users(3)).as("alice's, in order").containsExactly("alice", "alice");
    assertThat(redis.made.get(3).get(0).events().get(0)).hasSize(2);
    redis.answer(3);
    assertThat(second).isCompletedWithValue(new Appended("E", 300));
    redis.answer(2);
    assertThat(queue.waiting()).isZero();
    queue.offer(events("alice", 1));
    queue.offer(events("dan", 1));
    assertThat(redis.made).as("nothing out: both go at once").hasSize(6);
  }

  @Test
  void aBatchStopsAtItsBytesAndItsCountButALargerAppendGoesAlone() {
    Calls redis = new Calls();
    AppendQueue queue = new AppendQueue(redis::send, 10, 3, 100, 1 << 20, 1);
    queue.offer(events("first", 1));
    queue.offer(events("big", 25));
    queue.offer(events("a", 4));
    queue.offer(events("b", 4));
    queue.offer(events("c", 4));
    for (String user : List.of("d", "e", "f", "g")) {
      queue.offer(events(user, 1));
    }
    redis.answer(0);
    assertThat(redis.users(1)).as("over the bytes alone").containsExactly("big");
    redis.answer(1);
    assertThat(redis.users(2)).as("up to 10 bytes").containsExactly("a", "b");
    redis.answer(2);
    assertThat(redis.users(3)).as("up to 3 appends").containsExactly("c", "d", "e");
    redis.answer(3);
    assertThat(redis.users(4)).containsExactly("f", "g");
  }

  @Test
  void pastItsBoundsAnAppendIsRefusedAtOnceAndCountedAndNeverSent() {
    Calls redis = new Calls();
    AppendQueue queue = new AppendQueue(redis::send, 1 << 20, 500, 2, 100, 1);
    queue.offer(events("out", 1));
    queue.offer(events("w1", 1));
    queue.offer(events("w2", 1));
    CompletableFuture<Appended> third = queue.offer(events("w3", 1)).toCompletableFuture();
    assertThat(third)
        .as("two wait already")
        .isCompletedExceptionally()
        .failsWithin(java.time.Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(RejectedExecutionException.class)
        .withMessageContaining("Redis is behind: 2 appends");
    redis.answer(0);
    assertThat(redis.users(1)).containsExactly("w1", "w2");
    CompletableFuture<Appended> big = queue.offer(events("big", 101)).toCompletableFuture();
    assertThat(big).as("over the bytes that may wait").isCompletedExceptionally();
    assertThat(queue.refused()).isEqualTo(2);
    redis.answer(1);
    assertThat(redis.made).as("what was refused never went").hasSize(2);
  }

  @Test
  void aFailedCallFailsEachOfItsAppendsAndTheNextCallStillGoes() {
    Calls redis = new Calls();
    AppendQueue queue = new AppendQueue(redis::send, 1 << 20, 500, 100, 1 << 20, 1);
    CompletableFuture<Appended> a = queue.offer(events("a", 1)).toCompletableFuture();
    CompletableFuture<Appended> b = queue.offer(events("b", 1)).toCompletableFuture();
    redis.replies.get(0).completeExceptionally(new IllegalStateException("Redis is away"));
    assertThat(a).isCompletedExceptionally();
    assertThat(b).as("not in the failed call").isNotDone();
    redis.answer(1);
    assertThat(b).isCompletedWithValue(new Appended("E", 100));
  }

  @Test
  void callsThatAnswerAtOnceOrThrowDrainTheQueueWithoutRecursion() {
    List<Integer> sizes = new ArrayList<>();
    boolean[] throwNext = {false};
    AppendQueue[] queue = new AppendQueue[1];
    queue[0] =
        new AppendQueue(
            batch -> {
              sizes.add(batch.size());
              if (throwNext[0]) {
                throw new IllegalStateException("not connected");
              }
              // an append made while the call runs (a callback pushing again) waits its turn
              if (sizes.size() == 1) {
                queue[0].offer(events("again", 1));
              }
              List<Appended> out = new ArrayList<>();
              for (int i = 0; i < batch.size(); i++) {
                out.add(new Appended("E", i + 1));
              }
              return CompletableFuture.completedFuture(out);
            },
            1 << 20,
            500,
            100,
            1 << 20,
            1);
    assertThat(queue[0].offer(events("a", 1)).toCompletableFuture())
        .isCompletedWithValue(new Appended("E", 1));
    assertThat(sizes).containsExactly(1, 1);
    throwNext[0] = true;
    assertThat(queue[0].offer(events("b", 1)).toCompletableFuture())
        .as("a call that throws fails its appends")
        .isCompletedExceptionally();
    assertThat(queue[0].waiting()).isZero();
  }
}
