package com.example.orders;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;

/** Places an order: one read-write transaction that reads, inserts, and reads the new row back. */
@Service
public class OrderService {

    private final OrderRepository orders;

    public OrderService(OrderRepository orders) {
        this.orders = orders;
    }

    @Transactional
    public Placed place(String key, String item, int quantity) {
        long before = orders.countByItem(item);
        PlacedOrder order = orders.save(new PlacedOrder(key, item, quantity));
        // A query (not the persistence context) so the row is read back from the database itself.
        List<PlacedOrder> stored = orders.findByClientKey(key);
        return new Placed(order.getId(), key, item, quantity, before + 1, stored.size());
    }

    /** What the client is told: the new order and how many rows carry its key (1, unless written twice). */
    public record Placed(long id, String key, String item, int quantity, long ordersOfItem, int rowsWithKey) {
    }
}
