package dev.lifeline.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StripedCounterTest {

    @Test
    void everyIncrementOfEveryThreadIsCounted() throws Exception {
        StripedCounter counter = new StripedCounter(2);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    counter.increment();
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(12 * 50_000L, counter.sum());
    }

    @Test
    void threadsStartedTogetherGetSlotsTwoCacheLinesApart() {
        StripedCounter counter = new StripedCounter(2);
        assertEquals(8, counter.stripes(), "four per processor, at least 8");
        Set<Integer> slots = new HashSet<>();
        for (long id = 40; id < 48; id++) {
            slots.add(counter.slotOf(id));
        }
        assertEquals(8, slots.size(), "consecutive thread ids, distinct slots");
        for (int slot : slots) {
            assertEquals(0, slot % 16);
            assertNotEquals(0, slot, "slot 0 is padding before the first");
        }
    }

    @Test
    void stripesGrowWithProcessorsUpToSixtyFour() {
        assertEquals(8, new StripedCounter(1).stripes());
        assertEquals(16, new StripedCounter(3).stripes());
        assertEquals(64, new StripedCounter(16).stripes());
        assertEquals(64, new StripedCounter(512).stripes());
    }
}
