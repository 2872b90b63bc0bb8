/**
 * The request pipeline: a client connection's Netty handlers and the stages each request goes
 * through in order (reader, policy, cost admission, target choice and attempts, relay, completion),
 * with a refusal handed on as a value and one exit that answers, settles and traces.
 */
package io.aegis.gateway.proxy;
