package dqn.inference.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  @Test
  void admitsUpToItsLimitAndRefusesOneMoreUntilOneLeaves() {
    Admission admission = new Admission(2);
    admission.enter();
    admission.enter();
    Admission.OverloadedException refused = assertThrows(Admission.OverloadedException.class, admission::enter);
    assertTrue(refused.getMessage().contains("dqn.inference.batching.max-pending-requests"), refused.getMessage());
    assertEquals(2, admission.inside(), "a refused request does not count");
    admission.leave();
    admission.enter();
    assertEquals(2, admission.inside());
  }

  @Test
  void manyThreadsNeverHoldMoreThanTheLimit() throws Exception {
    Admission admission = new Admission(5);
    AtomicInteger most = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 2_000; i++) {
                  try {
                    admission.enter();
                  } catch (Admission.OverloadedException e) {
                    refused.incrementAndGet();
                    continue;
                  }
                  admitted.incrementAndGet();
                  most.accumulateAndGet(admission.inside(), Math::max);
                  admission.leave();
                }
              });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(16 * 2_000, admitted.get() + refused.get());
    assertTrue(most.get() <= 5, "at most the limit inside: " + most.get());
    assertEquals(0, admission.inside());
  }

  @Test
  void aLimitBelowOneIsRefusedNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Admission(0));
    assertTrue(e.getMessage().contains("max-pending-requests"), e.getMessage());
  }
}
