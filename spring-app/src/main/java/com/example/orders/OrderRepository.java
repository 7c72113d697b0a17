package com.example.orders;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;

/**
 * Spring Data's repository. Its declared finders run in read-only transactions, like the inherited
 * ones of {@code SimpleJpaRepository}, as Spring Data's reference documentation recommends.
 */
@Transactional(readOnly = true)
public interface OrderRepository extends JpaRepository<PlacedOrder, Long> {

    List<PlacedOrder> findByClientKey(String clientKey);

    List<PlacedOrder> findTop20ByItemOrderByIdDesc(String item);

    long countByItem(String item);
}
