"""Problems followed to closure (问题闭环): 发现→梳理→汇总→提交→转办→协调→销号."""
