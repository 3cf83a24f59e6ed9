"""The counterpart the app plays: persona cards, perception of the leader's lines, the engine's policy, its state and voice."""
