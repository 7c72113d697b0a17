package com.example.orders;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

@RestController
public class OrderController {

    private final OrderRepository orders;
    private final OrderService service;
    private final JdbcTemplate jdbc;

    public OrderController(OrderRepository orders, OrderService service, JdbcTemplate jdbc) {
        this.orders = orders;
        this.service = service;
        this.jdbc = jdbc;
    }

    /** A form post that places an order; the client names it with a key of its own. */
    @PostMapping("/orders")
    public ResponseEntity<OrderService.Placed> place(@RequestParam String key, @RequestParam String item,
                                                     @RequestParam(defaultValue = "1") int quantity) {
        return ResponseEntity.status(HttpStatus.CREATED).body(service.place(key, item, quantity));
    }

    @GetMapping("/orders/{key}")
    public ResponseEntity<List<OrderView>> byKey(@PathVariable String key) {
        List<OrderView> found = orders.findByClientKey(key).stream().map(OrderView::of).toList();
        return found.isEmpty() ? ResponseEntity.notFound().build() : ResponseEntity.ok(found);
    }

    @GetMapping("/orders")
    public List<OrderView> recent(@RequestParam String item) {
        return orders.findTop20ByItemOrderByIdDesc(item).stream().map(OrderView::of).toList();
    }

    /** A report straight through JdbcTemplate, outside any transaction (autocommit). */
    @GetMapping("/orders/stats")
    public Map<String, Object> stats(@RequestParam String item) {
        return jdbc.queryForMap("SELECT count(*) AS orders, coalesce(sum(quantity), 0) AS quantity "
                + "FROM placed_orders WHERE item = ?", item);
    }

    public record OrderView(long id, String key, String item, int quantity, String createdAt) {
        static OrderView of(PlacedOrder order) {
            return new OrderView(order.getId(), order.getClientKey(), order.getItem(), order.getQuantity(),
                    order.getCreatedAt().toString());
        }
    }
}
