"""The epidemic map (疫情图): case data, risk grading, published levels, Rt."""
