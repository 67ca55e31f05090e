"""qdgain tests, in folders by concern: core/, web/, server/, browser/; helpers in support/."""
