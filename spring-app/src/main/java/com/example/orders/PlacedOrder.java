package com.example.orders;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One order, named by the key its client chose. The key is indexed but deliberately not unique:
 * an order written twice then shows as two rows instead of an error.
 */
@Entity
@Table(name = "placed_orders", indexes = @Index(name = "placed_orders_client_key", columnList = "client_key"))
public class PlacedOrder {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "client_key", nullable = false)
    private String clientKey;

    @Column(nullable = false)
    private String item;

    private int quantity;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected PlacedOrder() {
        // for JPA
    }

    public PlacedOrder(String clientKey, String item, int quantity) {
        this.clientKey = clientKey;
        this.item = item;
        this.quantity = quantity;
        this.createdAt = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public String getClientKey() {
        return clientKey;
    }

    public String getItem() {
        return item;
    }

    public int getQuantity() {
        return quantity;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
