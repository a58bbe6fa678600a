"""The daily bulletin (每日通报): numbers and sentences from one computation, in Word, Excel and JSON."""
