/**
 * The client side of the proxy: the Netty pipeline that reads a bounded request, authenticates and
 * routes it, forwards it upstream and streams the response back with backpressure both ways.
 */
package io.aegis.gateway.proxy;
