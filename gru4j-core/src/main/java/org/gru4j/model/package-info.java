/**
 * Trainable models around the recurrent stack: {@link org.gru4j.model.SequenceModel} = [embedding] → recurrent layers
 * (dropout between them) → linear head, with one line of configuration per kind of task:
 * <pre>
 * SequenceModelConfig.seqToSeq(CellKind.GRU, features, hidden, layers, outputs)   // (T,B,I) → (T,B,O)
 * SequenceModelConfig.seqToOne(CellKind.LSTM, features, hidden, layers, classes)  // (T,B,I) → (B,O)
 * SequenceModelConfig.nextToken(CellKind.GRU, vocab, embedding, hidden, layers)   // (T,B) tokens → (T,B,V)
 * </pre>
 */
package org.gru4j.model;
