package dev.lifeline.jdbc;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * The proxy class of each driver class, looked up once. {@code Proxy.newProxyInstance} hashes the
 * interface list and checks access on every call, a cost paid on every {@code prepareStatement}
 * (see BENCHMARKS.md); with the constructor cached, a wrapper is one constructor call.
 */
final class ProxyConstructors extends ClassValue<Constructor<?>> {

    private final ClassValue<Class<?>[]> interfaces;

    /** @param interfaces the interfaces a proxy over an instance of a given driver class implements */
    ProxyConstructors(ClassValue<Class<?>[]> interfaces) {
        this.interfaces = interfaces;
    }

    @Override
    @SuppressWarnings("deprecation") // getProxyClass is the one way to keep the proxy class, on 11 to 25
    protected Constructor<?> computeValue(Class<?> type) {
        try {
            return Proxy.getProxyClass(type.getClassLoader(), interfaces.get(type)).getConstructor(InvocationHandler.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proxy over an instance of {@code type}, handled by {@code handler}. */
    Object newProxy(Class<?> type, InvocationHandler handler) {
        try {
            return get(type).newInstance(handler);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            return Proxy.newProxyInstance(type.getClassLoader(), interfaces.get(type), handler);
        }
    }
}
