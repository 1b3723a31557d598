package settle

// SetHistoryPage makes replays read the history n receipts a page, until
// the test ends.
func SetHistoryPage(cleanup func(func()), n int) {
	saved := historyPage
	historyPage = n
	cleanup(func() { historyPage = saved })
}
