"""The resumption map (复工图): reported resumption, the power index, matching with the epidemic map."""
