from orderwatch.cli import main

main()
